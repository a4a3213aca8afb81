document.title='tmp';
