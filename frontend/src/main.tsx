document.title = 'tmp';
